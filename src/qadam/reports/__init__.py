"""Reports: treatment response in plain words, trajectory charts and the patient PDF."""
