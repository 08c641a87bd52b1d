"""Digitization of scans: OCR into a searchable PDF/A archive copy, text for search."""
