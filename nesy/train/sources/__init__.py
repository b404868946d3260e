"""One pair source per formalism, each using only that package's public API."""
