"""1:1s: series and meetings, their agenda, notes and action items."""
