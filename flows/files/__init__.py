"""Files on disk: raw files staged, keys, versions published, written whole or not at all."""
