# Sourced by bin/run and bin/test: find Python >= 3.12 and keep .venv in step with pyproject.toml.
#   ensure_venv EXTRAS   (e.g. "embedded" or "dev")
# shellcheck shell=bash

MIN_MINOR=12 # Python 3.12 or newer

# Prints "3.13" for a working interpreter, nothing otherwise.
python_version() {
    "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true
}

recent_enough() {
    local version
    version=$(python_version "$1")
    [[ -n "$version" && ${version%%.*} -eq 3 && ${version#*.} -ge $MIN_MINOR ]]
}

find_python() {
    local candidate
    # pyenv, honouring .python-version, when that version is installed
    if command -v pyenv >/dev/null 2>&1; then
        candidate=$(pyenv which python 2>/dev/null || true)
        if [[ -n "$candidate" ]] && recent_enough "$candidate"; then
            echo "$candidate"
            return
        fi
    fi
    for candidate in python3.13 python3.12; do
        if command -v "$candidate" >/dev/null 2>&1 && recent_enough "$(command -v "$candidate")"; then
            command -v "$candidate"
            return
        fi
    done
    for candidate in "$HOME"/.pyenv/versions/3.13*/bin/python "$HOME"/.pyenv/versions/3.12*/bin/python; do
        if [[ -x "$candidate" ]] && recent_enough "$candidate"; then
            echo "$candidate"
            return
        fi
    done
    if command -v python3 >/dev/null 2>&1 && recent_enough "$(command -v python3)"; then
        command -v python3
    fi
}

ensure_venv() {
    local extras=$1 STAMP HASH WANTED
    PYTHON=$(find_python)
    if [[ -z "$PYTHON" ]]; then
        echo "no Python 3.12 or newer found." >&2
        echo "Install Python 3.12 or newer: pyenv install 3.13.0, or apt-get install python3.13" >&2
        echo "(on Debian/Ubuntu also python3.13-venv), then run this again." >&2
        exit 1
    fi
    WANTED=$(python_version "$PYTHON")

    # A .venv made by another Python (or broken) is rebuilt.
    if [[ -d .venv ]] && [[ "$(python_version .venv/bin/python)" != "$WANTED" ]]; then
        echo ".venv does not run Python $WANTED; recreating it."
        rm -rf .venv
    fi
    if [[ ! -d .venv ]]; then
        echo "creating .venv with $PYTHON (Python $WANTED)"
        "$PYTHON" -m venv .venv
    fi

    # Install only when pyproject.toml changed since the last successful install of these extras.
    STAMP=.venv/.salesoffice-$extras.sha256
    HASH=$(.venv/bin/python -c 'import hashlib; print(hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest())')
    if [[ ! -f "$STAMP" || "$(cat "$STAMP")" != "$HASH" ]]; then
        echo "installing dependencies (pip install -e '.[$extras]') ..."
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[$extras]"
        echo "$HASH" >"$STAMP"
    fi
}

