"""The regulations page (制度, /rules/): the first part of RULES.md in the staff's words, with
the office's own settings filled in, each rule anchored by its number (#r-3-2) so that pages can
cite it with `{% rule_link "3.2" %}` instead of showing a rule code."""
