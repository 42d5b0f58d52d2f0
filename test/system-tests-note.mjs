// The last step of `npm test`: one line saying that the system project (*.system.test.ts) did not
// run, and why, so a green `npm test` is never read as "everything was tested". .ci/run runs it
// after `npm test`, as root.
const root = process.getuid?.() === 0
console.log(
  root
    ? 'system tests not run by `npm test`: run `npm run test:system` (FUSE and tmpfs mounts, nginx; .ci/run does)'
    : 'system tests not run: they need root (FUSE and tmpfs mounts, nginx); run `sudo npm run test:system`'
)
