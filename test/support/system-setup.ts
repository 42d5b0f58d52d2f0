/**
 * The system project's gate: its tests mount file systems and start system services, which takes
 * root. Without it they would all fail one by one with EPERM; this says so once, and fails the run
 * (never a skip: a system run that tested nothing must not pass).
 */
export default function requireRoot(): void {
  if (process.getuid?.() !== 0)
    throw new Error(
      'the system tests need root (FUSE and tmpfs mounts, nginx): run `sudo npm run test:system`'
    )
}
