; Direct calls by name: foo(...).  Calls through pointers or members
; (ops->open(...), (*fn)(...)) have no single target and are not listed.
(call_expression
  function: (identifier) @callee)
