"""The archive: bindings (encrypted cookies), the sync service, queries and export."""
