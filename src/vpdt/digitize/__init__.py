"""Digitization of scans (issue 6, point 1): OCR into a searchable PDF/A archive copy, text for search."""
