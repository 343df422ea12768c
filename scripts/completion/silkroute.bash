# bash completion for silkroute(1): commands, each command's options, and
# the values that options take from a fixed set.  Installed by `make install`
# under share/bash-completion/completions/silkroute.  Keep the option lists
# in step with each command's --help.

_silkroute()
{
    local cur prev words cword
    _init_completion || return

    local commands="route places network check-data assign compare critical serve compile import-osm"
    if [[ $cword -eq 1 ]]; then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi

    # Values of options that take one from a fixed set, or a path.
    case $prev in
        --by) COMPREPLY=($(compgen -W "time cost co2" -- "$cur")); return ;;
        --cargo) COMPREPLY=($(compgen -W "20ft 40ft t" -- "$cur")); return ;;
        --modes) COMPREPLY=($(compgen -W "rail road sea air rail,road rail,sea" -- "$cur")); return ;;
        --objective) COMPREPLY=($(compgen -W "ue so" -- "$cur")); return ;;
        --data) _filedir; return ;;  # a dataset directory or a compiled .srn file
        --web) _filedir -d; return ;;
        --ch) COMPREPLY=($(compgen -W "time cost co2 time,cost,co2 none" -- "$cur")); return ;;
        --unit) COMPREPLY=($(compgen -W "20ft 40ft t 20ft,40ft,t" -- "$cur")); return ;;
        --out) _filedir; return ;;
        --scenario|--base|--demand|--flows-out) _filedir; return ;;
        --tntp) _filedir; return ;;
    esac

    local opts=""
    case ${words[1]} in
        route) opts="--by --pareto --pareto-tolerance --modes --avoid-countries --avoid --year
                     --cargo --quantity --max-transfers --weights --data --json --geojson
                     --depart --arrive-by --window --min-transfer --help" ;;
        places) opts="--limit --data --json --help" ;;
        network) opts="--geojson --modes --year --data --help" ;;
        check-data) _filedir -d; return ;;
        assign) opts="--data --demand --scenario --year --gap --max-iterations --objective
                      --value-of-time --json --geojson --tntp --flows-out --help" ;;
        compare) opts="--base --data --demand --year --gap --max-iterations --objective --json --help" ;;
        critical) opts="--loss --top --only --scenario --data --demand --year --gap --objective --json --help" ;;
        serve) opts="--port --bind --data --threads --web --timeout --max-request-time
                     --max-connections --max-per-address --max-query-time --max-work --cache --quiet --help" ;;
        compile) if [[ $cur != -* && $cword -eq 2 ]]; then _filedir -d; return; fi
                 opts="--out --ch --unit --quiet --help" ;;
        import-osm) if [[ $cur != -* && $cword -eq 2 ]]; then _filedir; return; fi
                    opts="--out --country --quiet --help" ;;
    esac
    if [[ $cur == -* || -z $cur ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif [[ ${words[1]} == compare ]]; then
        _filedir
    fi
} && complete -F _silkroute silkroute
