/** The backups in the data directory (backup.list arrives with the i16-events branch). */
export function BackupList() {
  return null
}
