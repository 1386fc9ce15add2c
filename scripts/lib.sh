# Helpers shared by the scripts in scripts/ (sourced, not run).
# 共用函式：進度訊息、失敗時說明哪一步失敗與如何重試、等候其他安裝程式的 apt。

say() { printf '==> %s\n' "$*" >&2; }

# die MESSAGE...: one clear message (zh-Hant / English) and a non-zero exit.
die() {
    printf '錯誤 / Error: %s\n' "$*" >&2
    exit 1
}

# step_failed STEP RETRY: a download or install step failed; say which and how to retry.
step_failed() {
    printf '\n==> 失敗 / FAILED: %s\n' "$1" >&2
    printf '    多半是網路中斷、套件來源暫時無法連線，或磁碟已滿；上方是該工具自己的訊息（含套件名稱）。\n' >&2
    printf '    Usually a network outage, an unreachable package index or a full disk; the tool'"'"'s own message (naming the package) is above.\n' >&2
    printf '    重試 / To retry: %s\n' "$2" >&2
    exit 1
}

# apt_install RETRY PACKAGE...: install the Debian packages not yet installed. Waits up to
# 10 minutes for a dpkg/apt lock held by another installer (shared machines, unattended-upgrades)
# instead of failing at once.
APT_LOCK_WAIT=(-o DPkg::Lock::Timeout=600)
apt_install() {
    local retry=$1 pkg start
    shift
    local missing=()
    for pkg in "$@"; do
        if [ "$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)" != installed ]; then
            missing+=("$pkg")
        fi
    done
    if [ ${#missing[@]} -eq 0 ]; then
        say "系統套件已安裝 / Debian packages present: $*"
        return 0
    fi
    command -v apt-get >/dev/null 2>&1 ||
        die "沒有 apt-get，請自行安裝 / no apt-get here; please install: ${missing[*]}"
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    say "安裝系統套件 / Installing Debian packages: ${missing[*]}"
    start=$SECONDS
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${APT_LOCK_WAIT[@]}" update -qq ||
        step_failed "apt-get update（更新套件清單 / refreshing the package lists）" "$retry"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${APT_LOCK_WAIT[@]}" \
        install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
        step_failed "apt-get install ${missing[*]}" "$retry"
    say "系統套件完成 / Debian packages done ($((SECONDS - start))s)"
}
