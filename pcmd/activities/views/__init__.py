"""Pages of the activities app: trainings and staff counts, communication activities and
pilot models."""
