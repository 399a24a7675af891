"""The song catalogue: every chart, its constant and notes, aliases, and search."""
