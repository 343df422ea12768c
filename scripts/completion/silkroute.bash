# bash completion for silkroute(1): commands, each command's options, and
# the values that options take from a fixed set.  Installed by `make install`
# under share/bash-completion/completions/silkroute.  Keep the option lists
# in step with each command's --help.

_silkroute()
{
    local cur prev words cword
    _init_completion || return

    local commands="route places network check-data assign compare critical reach matrix pipelines calibrate serve ship token compile import-osm match-osm"
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
        --unconnected) COMPREPLY=($(compgen -W "skip fail" -- "$cur")); return ;;
        --consignment-note) COMPREPLY=($(compgen -W "cim-smgs separate" -- "$cur")); return ;;
        --road-regime) COMPREPLY=($(compgen -W "tir transit" -- "$cur")); return ;;
        --data) _filedir; return ;;  # a dataset directory or a compiled .srn file
        --detail) _filedir -d; return ;;
        --report) _filedir; return ;;
        --web) _filedir -d; return ;;
        --ch) COMPREPLY=($(compgen -W "time cost co2 time,cost,co2 none" -- "$cur")); return ;;
        --unit) COMPREPLY=($(compgen -W "20ft 40ft t 20ft,40ft,t" -- "$cur")); return ;;
        --out) _filedir; return ;;
        --scenario|--base|--demand|--flows-out) _filedir; return ;;
        --tntp) _filedir; return ;;
        --out|--json-in) _filedir; return ;;
        --type) COMPREPLY=($(compgen -W "ARRI DEPA GTIN GTOT LOAD DISC STUF STRP RECE CONF ISSU BORD CUSR GAUG TRSH DLVR RETRACT" -- "$cur")); return ;;
        --classifier) COMPREPLY=($(compgen -W "ACT EST PLN" -- "$cur")); return ;;
        --status) COMPREPLY=($(compgen -W "late on_time delivered booked in_transit" -- "$cur")); return ;;
        --role) COMPREPLY=($(compgen -W "reader writer" -- "$cur")); return ;;
    esac
    # ship and token: the subcommand first.
    if [[ ${words[1]} == ship && $cword -eq 2 ]]; then
        COMPREPLY=($(compgen -W "create event show list eta export-observations --help" -- "$cur"))
        return
    fi
    if [[ ${words[1]} == token && $cword -eq 2 ]]; then
        COMPREPLY=($(compgen -W "create list revoke --help" -- "$cur"))
        return
    fi

    local opts=""
    case ${words[1]} in
        route) opts="--by --pareto --pareto-tolerance --modes --avoid-countries --avoid --year
                     --cargo --quantity --max-transfers --weights --data --json --geojson
                     --depart --arrive-by --window --min-transfer
                     --documents --consignment-note --road-regime --detail --help" ;;
        places) opts="--limit --data --json --help" ;;
        network) opts="--geojson --modes --year --data --help" ;;
        check-data) _filedir -d; return ;;
        assign) opts="--data --demand --scenario --year --gap --max-iterations --objective
                      --value-of-time --json --geojson --tntp --flows-out --toll-factor
                      --distance-factor --algorithm --threads --unconnected --stall-iterations --help" ;;
        compare) opts="--base --data --demand --year --gap --max-iterations --objective --json --help" ;;
        critical) opts="--loss --top --only --scenario --data --demand --year --gap --objective --json --help" ;;
        serve) opts="--port --bind --data --threads --web --timeout --max-request-time
                     --max-connections --max-per-address --max-query-time --max-work --cache --quiet --store --detail --help" ;;
        ship) case ${words[2]} in
                  create) opts="--from --to --ref --ready --container --option --by --modes --cargo --quantity
                                --promised --late-after --year --data --store --json" ;;
                  event) opts="--type --place --time --classifier --container --reason --note --key --lat --lon
                               --retracts --json --data --store" ;;
                  list) opts="--status --q --limit --store --json" ;;
                  export-observations) opts="--out --no-header --data --store" ;;
                  *) opts="--store --json" ;;
              esac ;;
        token) opts="--role --rate --store --json" ;;
        compile) if [[ $cur != -* && $cword -eq 2 ]]; then _filedir -d; return; fi
                 opts="--out --ch --unit --quiet --help" ;;
        import-osm) if [[ $cur != -* && $cword -eq 2 ]]; then _filedir; return; fi
                    opts="--out --country --quiet --help" ;;
        match-osm) if [[ $cur != -* && $cword -le 3 ]]; then _filedir -d; return; fi
                   opts="--out --report --radius --tolerance --quiet --help" ;;
    esac
    if [[ $cur == -* || -z $cur ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif [[ ${words[1]} == compare ]]; then
        _filedir
    fi
} && complete -F _silkroute silkroute
