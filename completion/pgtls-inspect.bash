# bash completion for pgtls-inspect(1)                     -*- shell-script -*-
# SPDX-License-Identifier: MIT
#
# Installed as bash-completion's completions/pgtls-inspect (loaded on
# demand). What the program knows is asked from the program itself, so the
# two cannot drift apart: the long options from `--help`, the demo
# scenarios from `--demo list`, the connection keywords from the hidden
# `--keywords` (libpq's PQconninfoOptions of 15 to 18, one a line). Only
# the values libpq itself fixes (sslmode and a few other keywords) and the
# libpq versions are written here.

# Run the program being completed (the command word as typed, a leading ~
# expanded), quietly, never reading the terminal.
_pgtls_inspect_ask()
{
    local prog=${words[0]/#\~/$HOME}
    "$prog" "$@" 2>/dev/null </dev/null
}

# The values a connection keyword takes, where libpq fixes them
# (connectOptions2's checks), one a line; empty for a free value.
_pgtls_inspect_values()
{
    case $1 in
        sslmode) printf '%s\n' disable allow prefer require verify-ca verify-full ;;
        sslnegotiation) printf '%s\n' postgres direct ;;
        sslcertmode) printf '%s\n' disable allow require ;;
        gssencmode | channel_binding) printf '%s\n' disable prefer require ;;
        target_session_attrs)
            printf '%s\n' any read-write read-only primary standby prefer-standby
            ;;
        load_balance_hosts) printf '%s\n' disable random ;;
        sslsni | sslcompression | keepalives | gssdelegation) printf '%s\n' 0 1 ;;
        ssl_min_protocol_version | ssl_max_protocol_version)
            printf '%s\n' TLSv1 TLSv1.1 TLSv1.2 TLSv1.3
            ;;
    esac
}

# A TARGET: libpq keywords in a key=value word, or after a blank inside a
# quoted conninfo string ("host=db sslm<TAB>).
_pgtls_inspect_conninfo()
{
    local word=$cur head="" part quoted=""
    # readline completes the text after an open quote, '=' and blanks
    # included; unquoted, '=' breaks words, and the text is the value
    if [[ $word == [\"\']* ]]; then
        quoted=1
        word=${word:1}
        [[ $word == *' '* ]] && head="${word% *} "
        part=${word##* }
    else
        part=$word
    fi
    case $part in
        *://*) return ;; # a URI
    esac
    local keywords
    keywords=$(_pgtls_inspect_ask --keywords)
    if [[ $part == *=* ]]; then
        local key=${part%%=*} val=${part#*=}
        [[ " "$keywords" " == *[[:space:]]"$key"[[:space:]]* ]] || return
        local values
        values=$(_pgtls_inspect_values "$key")
        if [[ -z $values ]]; then
            # a file keyword, unquoted: its value is a path
            if [[ ! $quoted ]]; then
                case $key in
                    sslrootcert | sslcert | sslkey | sslcrl | passfile | sslkeylogfile)
                        cur=$val
                        _filedir
                        ;;
                    sslcrldir)
                        cur=$val
                        _filedir -d
                        ;;
                esac
            fi
            return
        fi
        local IFS=$'\n'
        COMPREPLY=($(compgen -W "$values" -P "${quoted:+$head$key=}" -- "$val"))
        return
    fi
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$keywords" -P "$head" -S = -- "$part"))
    compopt -o nospace
}

_pgtls_inspect()
{
    local cur prev words cword split
    _init_completion -s || return

    case $prev in
        --sslmode | --check)
            COMPREPLY=($(compgen -W "$(_pgtls_inspect_values sslmode)" -- "$cur"))
            return
            ;;
        --libpq-version)
            COMPREPLY=($(compgen -W "15 16 17 18" -- "$cur"))
            return
            ;;
        --demo | --demo-serve)
            # --demo's NAME is the TARGET; --demo list lists the names
            local names
            names=$(_pgtls_inspect_ask --demo list | awk '{print $1}')
            [[ $prev == --demo ]] && names+=$'\nlist'
            COMPREPLY=($(compgen -W "$names" -- "$cur"))
            return
            ;;
        --sslrootcert | --sslcert | --sslkey | --sslcrl | --save-events | \
            --replay | --pcap | --svg | --html | --targets)
            _filedir
            return
            ;;
        --sslcrldir)
            _filedir -d
            return
            ;;
        --login)
            # an optional value, only after '='
            $split && COMPREPLY=($(compgen -W "any" -- "$cur"))
            $split && return
            ;;
        --svg-scale)
            COMPREPLY=($(compgen -W "1 2 3 4" -- "$cur"))
            return
            ;;
        --host | --hostaddr | --port | --user | --dbname | --timeout | --at | --jobs)
            return
            ;;
    esac
    $split && return

    if [[ $cur == -* ]]; then
        # every long option --help prints; --login[=any] gives both forms
        local opts
        opts=$(_pgtls_inspect_ask --help |
            grep -oE -- '--[a-z][a-z0-9-]*(\[=[a-z]+\])?' |
            sed -E 's/^(.*)\[(=.*)\]$/\1\n\1\2/' | sort -u)
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    _pgtls_inspect_conninfo
} &&
    complete -F _pgtls_inspect pgtls-inspect

# ex: filetype=sh
