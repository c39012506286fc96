"""The text core: cleaning, extraction, report checks, dates and file reading. Plain Python, no Django."""
