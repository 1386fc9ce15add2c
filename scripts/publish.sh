#!/usr/bin/env bash
# 建置網站並以原子方式發布：正式網站永遠是完整的舊版或完整的新版，不會一半新一半舊。
# Build the site, then publish it atomically: the live site is always one complete release.
#
#   scripts/publish.sh [options] TARGET
#
# TARGET is a directory on this machine, or user@host:/path over SSH (rsync). It holds
#   TARGET/releases/<id>/   one complete site per publish (the last --keep are kept)
#   TARGET/current          symlink to the live release: point the web server's document root here
# A release is copied in full under a temporary name, renamed, and only then does `current` switch,
# with `ln -sfn` + `mv -T` (rename(2), atomic). Any failure before the switch leaves the live site as it was.
#
# Options:
#   --config FILE      site.toml (default: site.toml)
#   --base-url URL     canonical address, overrides site.toml's site.base_url
#   --strict           warnings fail the build, as `check --strict` in the CI pipelines
#   --no-pdf           skip the PDF downloads (otherwise Chromium must be installed)
#   --from DIR         publish an already built site instead of building (e.g. a CI artifact)
#   --verify CMD       smoke test before the switch: run CMD with the new release's directory as $1
#                      (over SSH: the local build); a non-zero exit stops the publish
#   --keep N           releases to keep, the live one included (default 5)
# Environment: PYTHON (default: .venv/bin/python after scripts/setup.sh);
#   PUBLISH_SSH (default "ssh"), e.g. "ssh -p 2222 -i ~/.ssh/deploy_key".
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

usage() { sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

config=site.toml base_url= strict= no_pdf= from= verify= keep=5 target=
while [ $# -gt 0 ]; do
    case "$1" in
        --config) config=${2:?}; shift ;;
        --base-url) base_url=${2:?}; shift ;;
        --strict) strict=1 ;;
        --no-pdf) no_pdf=1 ;;
        --from) from=${2:?}; shift ;;
        --verify) verify=${2:?}; shift ;;
        --keep) keep=${2:?}; shift ;;
        -h|--help) usage; exit 0 ;;
        -*) echo "publish.sh: 未知的參數 / unknown option: $1（見 / see --help）" >&2; exit 2 ;;
        *) [ -z "$target" ] || { echo "publish.sh: 只能有一個發布目標 / one TARGET only" >&2; exit 2; }
           target=$1 ;;
    esac
    shift
done
[ -n "$target" ] || { usage >&2; exit 2; }
case "$keep" in ''|*[!0-9]*|0) die "--keep 必須是正整數 / --keep must be a positive integer: $keep" ;; esac

# user@host:/path (or host:path) is remote; anything with a slash before the first colon is local.
remote= rpath=$target
if [[ "$target" =~ ^([^/:]+):(.+)$ ]]; then
    remote=${BASH_REMATCH[1]} rpath=${BASH_REMATCH[2]}
fi
read -r -a ssh_cmd <<< "${PUBLISH_SSH:-ssh}"

work=$(mktemp -d "${TMPDIR:-/tmp}/plansite-publish.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- 1. Build into a fresh directory ------------------------------------------
if [ -n "$from" ]; then
    [ -f "$from/index.html" ] || die "$from 不是已建置的網站（沒有 index.html）/ not a built site: $from"
    site=$from
else
    if [ -z "${PYTHON:-}" ]; then
        ./scripts/setup.sh
        PYTHON=.venv/bin/python
    fi
    site=$work/site
    args=(build --quiet --out "$site")
    [ -z "$strict" ] || args+=(--strict)
    [ -z "$no_pdf" ] || args+=(--no-pdf)
    [ -z "$base_url" ] || args+=(--base-url "$base_url")
    say "建置網站 / Building: build.py --config $config ${args[*]}"
    "$PYTHON" build.py --config "$config" "${args[@]}" ||
        die "建置失敗（訊息見上方），正式網站沒有更動。 Build failed (see above); the live site was not changed."
    "$PYTHON" tests/linkcheck.py "$site" ||
        die "連結檢查未通過，正式網站沒有更動。 Link check failed; the live site was not changed."
fi

id=$(date -u +%Y%m%dT%H%M%SZ)-$$
if commit=$(git rev-parse --short HEAD 2>/dev/null); then id=$id-$commit; fi

# The switch, run by sh here or on the server with the target, the release id and --keep as $1 $2 $3:
# a new symlink under a temporary name renamed over `current` (mv -T: rename(2)).
# shellcheck disable=SC2016  # expanded by the shell that runs it, here or on the server
switch='set -e
cd "$1"
[ ! -e current ] || [ -L current ] || { echo "錯誤 / Error: $1/current 是一般目錄，不是符號連結；請改名後再發布 / is a real directory, not a symlink; rename it first" >&2; exit 1; }
mv "releases/.incoming-$2" "releases/$2"
ln -sfn "releases/$2" ".current-$2"
mv -T ".current-$2" current
ls -1 releases | grep -v "^\." | sort -r | tail -n "+$(($3 + 1))" | while read -r old; do
    [ "$(readlink current)" = "releases/$old" ] || rm -rf "releases/$old"
done'

# --- 2. Copy the complete release, then switch ---------------------------------
if [ -z "$remote" ]; then
    mkdir -p "$rpath/releases" || die "無法建立 $rpath/releases / cannot create it"
    say "複製新版本 / Copying release $id → $rpath/releases/"
    cp -R "$site" "$rpath/releases/.incoming-$id" ||
        { rm -rf "$rpath/releases/.incoming-$id"; die "複製失敗，正式網站沒有更動。 Copy failed; the live site was not changed."; }
    if [ -n "$verify" ]; then
        say "驗證新版本 / Verifying: $verify $rpath/releases/.incoming-$id"
        sh -c "$verify \"\$1\"" verify "$rpath/releases/.incoming-$id" ||
            { rm -rf "$rpath/releases/.incoming-$id"; die "驗證未通過，正式網站沒有更動。 Verification failed; the live site was not changed."; }
    fi
    sh -s "$rpath" "$id" "$keep" <<< "$switch" ||
        { rm -rf "$rpath/releases/.incoming-$id"; die "無法切換到新版本，正式網站沒有更動。 Could not switch; the live site was not changed."; }
else
    command -v rsync >/dev/null 2>&1 || die "需要 rsync（Debian：apt install rsync）/ rsync is required"
    q=$(printf '%q' "$rpath")
    "${ssh_cmd[@]}" "$remote" "mkdir -p $q/releases" ||
        die "無法以 SSH 連到 $remote 或建立 $rpath/releases；請確認主機、金鑰與 known_hosts。 SSH to $remote failed."
    say "上傳新版本 / Uploading release $id → $remote:$rpath/releases/"
    # --link-dest: files unchanged since the live release are hard-linked on the server, not sent again.
    rsync -rlt --delete --chmod=D755,F644 -e "${PUBLISH_SSH:-ssh}" --link-dest="../../current/" \
        "$site/" "$remote:$rpath/releases/.incoming-$id/" ||
        die "上傳失敗（rsync），正式網站沒有更動；可直接重新執行。 Upload failed; the live site was not changed. Rerun to retry."
    if [ -n "$verify" ]; then
        say "驗證新版本 / Verifying: $verify"
        sh -c "$verify \"\$1\"" verify "$site" ||
            die "驗證未通過，正式網站沒有更動。 Verification failed; the live site was not changed."
    fi
    "${ssh_cmd[@]}" "$remote" "sh -s $q $id $keep" <<< "$switch" ||
        die "無法在 $remote 切換到新版本，正式網站沒有更動。 Could not switch on $remote; the live site was not changed."
fi
say "發布完成 / Published: $target/current → releases/$id"
