"""Plan importers: read a file into rows, interpret the rows into one PlanDraft."""
