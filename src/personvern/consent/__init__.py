"""Consent per purpose and channel (Art. 7), the contact decision, suppression and Reservasjonsregisteret."""
