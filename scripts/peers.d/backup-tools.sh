# restic and borgbackup (Debian) for hermes-data's benchmark (`cargo bench -p hermes-data --bench backup`).
# Command-line tools only: nothing is started or stopped.
backup_tools_status() { command -v restic >/dev/null && command -v borg >/dev/null; }
backup_tools_up() { apt_install restic borgbackup; }
backup_tools_down() { :; }
