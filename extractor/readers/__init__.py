"""Readers: one per format, each turning a file into a Document of paragraphs and tables."""
