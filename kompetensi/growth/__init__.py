"""Teacher growth: the competency progress page ("Perkembangan Saya"), notes of appreciation and the
supporting-evidence archive (bukti dukung)."""
