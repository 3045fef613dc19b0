"""Unduh bukti dukung: a teacher's supporting evidence for e-Kinerja, as PDFs in one zip."""
