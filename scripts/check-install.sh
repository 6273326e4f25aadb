#!/usr/bin/env bash
# Checks a staged `make install` tree (DESTDIR with PREFIX=/usr): binaries, units, config, manual pages and
# completions are there, and each is what it claims to be.
set -euo pipefail
root=${1:?usage: check-install.sh DESTDIR}
fail() { echo "check-install: $*" >&2; exit 1; }

for file in usr/bin/feedd usr/bin/feedctl; do [ -x "$root/$file" ] || fail "$file missing or not executable"; done
"$root/usr/bin/feedctl" --version >/dev/null || fail "feedctl does not run"
grep -q '^ExecStart=/usr/bin/feedd' "$root/etc/systemd/system/feedd.service" || fail "unit does not start /usr/bin/feedd"
grep -q '^Service=feedd-api.service' "$root/etc/systemd/system/feedd.socket" || fail "feedd.socket missing or not for feedd-api.service"
grep -q '^ExecStart=.*systemd-socket-proxyd .*/run/feedd/api.sock' "$root/etc/systemd/system/feedd-api.service" || fail "feedd-api.service missing"
[ -s "$root/etc/feedd/config.yaml" ] || fail "config.yaml missing"
for page in feedd feedctl; do
    man="$root/usr/share/man/man1/$page.1"
    grep -qi "^\.Dt $page 1" "$man" || fail "$man is not an mdoc page for $page"
done
for command in add remove import export list show read feeds; do
    grep -q "$command" "$root/usr/share/man/man1/feedctl.1" || fail "feedctl.1 does not describe $command"
done
bash -n "$root/usr/share/bash-completion/completions/feedctl" || fail "bash completion does not parse"
grep -q "compdef" "$root/usr/share/zsh/site-functions/_feedctl" || fail "zsh completion missing"
grep -q "complete -c 'feedctl'" "$root/usr/share/fish/vendor_completions.d/feedctl.fish" || fail "fish completion missing"
echo "check-install: ok ($root)"
