/**
 * What cannot be done while an import runs, in MAAS's words. The renderer shows these as the
 * tooltips of the disabled controls, and main refuses the same requests with the same words, so the
 * CLI, a second window or a stale page get the same answer.
 */
export const SOURCE_LOCKED_WHILE_IMPORTING = 'Cannot change source while images are downloading.'
export const DELETE_LOCKED_WHILE_IMPORTING = 'Cannot delete images that are currently being imported.'
