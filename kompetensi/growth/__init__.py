"""Teacher growth: "Perkembangan Saya", recognition, the evidence archive (services and selectors)."""
