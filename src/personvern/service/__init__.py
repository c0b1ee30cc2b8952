"""Customer service: lookup, profile, contact log, cases, alarm contacts, policy-change notices."""
