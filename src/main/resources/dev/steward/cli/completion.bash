
# Steward's own part (CompletionCommand): picocli's functions above know the verbs and options. This adds what they
# cannot know: a file after -f, a KIND, ACTION, format or shell where a verb wants one, and the names of programs and
# processes, which it asks of the daemon that --server (else STEWARD_SERVER, else the default) names.
function _steward_complete() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local verb="" server="" word i
  local -a args=() typed=()
  # bash splits words at = and : (COMP_WORDBREAKS), so --server=ADDRESS, -o=json and http://HOST:PORT come in pieces:
  # they are put together again, for --server's whole value and the words after it to count right
  [[ $cur == = ]] && cur=""
  [[ $prev == = ]] && prev=${COMP_WORDS[COMP_CWORD-2]}
  for (( i = 1; i < COMP_CWORD; i++ )); do
    if (( ${#typed[@]} > 0 )) && [[ ${COMP_WORDS[i]} == [=:] || ${COMP_WORDS[i-1]} == [=:] ]]; then
      typed[${#typed[@]}-1]+=${COMP_WORDS[i]}
    else
      typed+=("${COMP_WORDS[i]}")
    fi
  done
  for (( i = 0; i < ${#typed[@]}; i++ )); do
    word=${typed[i]}
    case $word in
      --server) server=${typed[i+1]}; (( i++ )) ;;
      --server=*) server=${word#--server=} ;;
      -*) [[ -n $verb && $(_steward_value_options "$verb") == *" $word "* ]] && (( i++ )) ;;
      *) if [[ -z $verb ]]; then verb=$word; else args+=("$word"); fi ;;
    esac
  done
  local words=""
  case $verb:$prev in
    *:--server|apply:-f|apply:--filename|diff:-f|diff:--filename|delete:-f|delete:--filename)
      type compopt &>/dev/null && compopt -o filenames
      local file
      COMPREPLY=()
      while IFS= read -r file; do # not $(compgen): that splits "my app.yaml" in two and expands x[1].yaml as a pattern
        COMPREPLY+=("$file")
      done < <(compgen -f -- "$cur")
      return ;;
    get:-o|get:--output) COMPREPLY=( $(compgen -W "wide json yaml name" -- "$cur") ); return ;;
    top:--sort-by) COMPREPLY=( $(compgen -W "cpu memory" -- "$cur") ); return ;;
  esac
  _complete_steward "$@"
  if [[ -z $verb || ${#COMPREPLY[@]} -gt 0 || $cur == -* || $(_steward_value_options "$verb") == *" $prev "* ]]; then
    return
  fi
  case $verb:${#args[@]} in
    get:0) words="programs processes events" ;;
    describe:0) words="program process" ;;
    get:*|describe:*)
      case ${args[0]} in
        prog*) words=$(_steward_names programs "$server") ;;
        *) words=$(_steward_names processes "$server" programs) ;;
      esac ;;
    scale:0|delete:0|rollout:1) words="program" ;;
    scale:1|delete:*|rollout:2) words=$(_steward_names programs "$server") ;;
    rollout:0) words="status restart" ;;
    completion:0) words="bash zsh" ;;
    signal:0) words="HUP INT QUIT KILL USR1 USR2 TERM CONT STOP" ;;
    top:0) words="processes programs $(_steward_names processes "$server" programs)" ;;
    logs:0|top:*) words=$(_steward_names processes "$server" programs) ;;
    start:*|stop:*|restart:*|signal:*|status:*) words="all $(_steward_names processes "$server" programs)" ;;
  esac
  COMPREPLY=( $(compgen -W "$words" -- "$cur") )
}

# _steward_names KIND SERVER [KIND]: the names the daemon lists, once each, asked with the steward command being
# completed (an alias of it too), for at most 3 s.
function _steward_names() {
  local -a cli=("${COMP_WORDS[0]}") limit=()
  if [[ -n ${BASH_VERSION-} && -n ${BASH_ALIASES[${COMP_WORDS[0]}]-} ]]; then
    cli=( ${BASH_ALIASES[${COMP_WORDS[0]}]} )
  fi
  [[ -n $2 ]] && cli+=(--server "${2/#\~/$HOME}")
  # The client waits 5 s for a connect (a daemon whose listen queue is full, a host that drops it) before the 3 s for
  # an answer: timeout(1) holds the shell 3 s at most, and a daemon that did not answer is not asked for the next KIND
  type timeout &>/dev/null && limit=(timeout 3)
  local kind line
  for kind in "$1" $3; do
    STEWARD_REQUEST_TIMEOUT=3 "${limit[@]}" "${cli[@]}" get "$kind" -o name 2>/dev/null </dev/null || break
  done | while read -r line; do
    echo "${line#*/}"
  done | sort -u
}

complete -F _steward_complete -o default steward steward.sh steward.bash
