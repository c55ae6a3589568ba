"""The ABI scanner: per-build ABI status computed from real kernel builds (``kdocgen abi scan``).

Pipeline: fetch or read a build (:mod:`.run`, :mod:`.unpack`), index it
(:mod:`.builder`: symbols, exports, config, BTF, DWARF; cached by
:mod:`.cache`), read each version's own source (:mod:`.versions`, Kbuild
rules from :mod:`.kbuild`), classify every wanted symbol (:mod:`.classify`)
and assemble the ABI model (:mod:`.dataset`).
"""
