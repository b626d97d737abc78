#!/usr/bin/env bash
# Install the built Lodestone bundle (make package) for the current user, or remove it.
#
#   packaging/install.sh [--prefix DIR] [--bundle DIR] [--dry-run] [--uninstall]
#
# The bundle goes to PREFIX/opt/lodestone, a `lodestone` link to PREFIX/bin, the desktop entry
# to PREFIX/share/applications (its Exec pointing at the bundle, so the menu works even when
# PREFIX/bin is not on the desktop's PATH), the icons to PREFIX/share/icons/hicolor and the
# AppStream metadata to PREFIX/share/metainfo. PREFIX defaults to ~/.local; nothing outside
# it is touched, and no root is needed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
prefix="${HOME}/.local"
bundle="$root/dist/lodestone"
dry_run=0
uninstall=0
sizes=(16 32 48 64 128 256 512)
metainfo_name="io.github.lodestone.Lodestone.metainfo.xml"

usage() {
    sed -n '2,10s/^# \{0,1\}//p' "$0"
}

die() {
    echo "install.sh: $1" >&2
    exit "${2:-1}"
}

# The folder after an option; not the next option, as in `--prefix --dry-run`.
option_value() {
    case "${2:-}" in
        ""|-*) die "$1 needs a folder" 2 ;;
    esac
    echo "$2"
}

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix="$(option_value "$@")"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; [ -n "$prefix" ] || die "--prefix needs a folder" 2; shift ;;
        --bundle) bundle="$(option_value "$@")"; shift 2 ;;
        --bundle=*) bundle="${1#--bundle=}"; [ -n "$bundle" ] || die "--bundle needs a folder" 2; shift ;;
        --dry-run) dry_run=1; shift ;;
        --uninstall) uninstall=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) die "unknown option '$1' (try --help)" 2 ;;
    esac
done

# Absolute paths: the desktop entry's Exec must not depend on where this was run from.
case "$prefix" in /*) ;; *) prefix="$PWD/$prefix" ;; esac
prefix="${prefix%/}"

opt_dir="$prefix/opt/lodestone"
bin_link="$prefix/bin/lodestone"
desktop_file="$prefix/share/applications/lodestone.desktop"
icons_dir="$prefix/share/icons/hicolor"
metainfo_file="$prefix/share/metainfo/$metainfo_name"

# The desktop entry quotes Exec; these characters would need escapes there, so refuse them.
case "$prefix" in *[\"\`\$\\%]*|*$'\n'*) die "--prefix '$prefix' holds a character a desktop entry cannot carry (\" \` \$ \\ %)" 2 ;; esac

say() {
    if [ "$dry_run" = 1 ]; then echo "(dry run: nothing was changed) $1"; else echo "$1"; fi
}

# The committed entry runs `lodestone` from PATH; the installed one runs the bundle itself.
write_desktop_entry() {
    local line
    while IFS= read -r line; do
        case "$line" in
            Exec=lodestone) echo "Exec=\"$opt_dir/lodestone\"" ;;
            TryExec=lodestone) echo "TryExec=$opt_dir/lodestone" ;;
            *) echo "$line" ;;
        esac
    done < "$here/lodestone.desktop"
}

# Every change goes through run: printed (and not done) with --dry-run.
run() {
    if [ "$dry_run" = 1 ]; then
        echo "would: $*"
    else
        "$@"
    fi
}

icon_targets() {
    for size in "${sizes[@]}"; do
        echo "$root/resources/icons/lodestone-$size.png $icons_dir/${size}x${size}/apps/lodestone.png"
    done
    echo "$root/resources/icons/lodestone.svg $icons_dir/scalable/apps/lodestone.svg"
}

refresh_caches() {
    if command -v update-desktop-database >/dev/null 2>&1; then
        run update-desktop-database -q "$prefix/share/applications" || true
    fi
    if [ -f "$icons_dir/index.theme" ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
        run gtk-update-icon-cache -q -t "$icons_dir" || true
    fi
}

do_uninstall() {
    if [ -e "$opt_dir" ] && [ ! -x "$opt_dir/lodestone" ]; then
        die "$opt_dir does not look like a Lodestone bundle; left alone"
    fi
    if [ -e "$opt_dir" ]; then run rm -rf -- "$opt_dir"; fi
    if [ -L "$bin_link" ] && [ "$(readlink "$bin_link")" = "$opt_dir/lodestone" ]; then
        run rm -f -- "$bin_link"
    fi
    local file
    for file in "$desktop_file" "$metainfo_file"; do
        if [ -e "$file" ]; then run rm -f -- "$file"; fi
    done
    while read -r _ target; do
        if [ -e "$target" ]; then run rm -f -- "$target"; fi
    done < <(icon_targets)
    refresh_caches
    say "Lodestone removed from $prefix (your trackers and backups are kept)."
}

do_install() {
    [ -x "$bundle/lodestone" ] || die "no built bundle at $bundle: run 'make package' first"
    local source
    while read -r source _; do
        [ -f "$source" ] || die "$source is missing: run 'make icons' first"
    done < <(icon_targets)

    run mkdir -p "$prefix/opt" "$prefix/bin" "$(dirname "$desktop_file")" "$(dirname "$metainfo_file")"
    # Copy beside the old bundle, then swap, so a failed copy leaves the old one working.
    run rm -rf -- "$opt_dir.new"
    run cp -a -- "$bundle" "$opt_dir.new"
    run rm -rf -- "$opt_dir"
    run mv -- "$opt_dir.new" "$opt_dir"
    run ln -sfn -- "$opt_dir/lodestone" "$bin_link"

    local target
    while read -r source target; do
        run install -D -m 0644 -- "$source" "$target"
    done < <(icon_targets)
    if [ "$dry_run" = 1 ]; then
        echo "would: write $desktop_file (Exec=\"$opt_dir/lodestone\")"
    else
        write_desktop_entry > "$desktop_file"
        chmod 0644 "$desktop_file"
    fi
    run install -m 0644 -- "$here/$metainfo_name" "$metainfo_file"
    refresh_caches
    say "Lodestone installed in $opt_dir; run it from the menu or as $bin_link."
}

if [ "$uninstall" = 1 ]; then
    do_uninstall
else
    do_install
fi
