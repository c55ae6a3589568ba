"""The user-space ABI of a subsystem: its ``Documentation/ABI`` entries
(:mod:`.parse`), the sysfs/debugfs attributes its C code defines
(:mod:`.attributes`), the two matched (:mod:`.link`) and rendered as site
pages (:mod:`.render`)."""
