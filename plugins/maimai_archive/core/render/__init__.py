"""Images of the archive: matplotlib figures rendered to PNG in one render thread."""
