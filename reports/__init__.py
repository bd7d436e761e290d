"""Diaries, fines, meetings and reports (R-7, R-2.8). Arrives with the reports issue."""
