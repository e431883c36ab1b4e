"""The file formats `expect import` reads and `expect export` writes, other than its own JSON."""
