# bash completion for pgtls-inspect: a placeholder that completes the long options --help lists.
complete -F _longopt pgtls-inspect
