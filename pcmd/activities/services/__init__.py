"""Writes of the activities app: trainings and staff counts (trainings.py), communication
activities and pilot models (communication.py)."""
