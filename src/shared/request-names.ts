/**
 * The request names alone, free of schemas, so the sandboxed preload stays tiny. ipc-contract.ts
 * checks at compile time that this list and its request table have exactly the same names.
 */
export const requestNames = [
  'getAppInfo',
  'listBootSources',
  'getBootSource',
  'createBootSource',
  'updateBootSource',
  'deleteBootSource',
  'connectSource',
  'saveConnectedSource',
  'listSelections',
  'getSelection',
  'createSelection',
  'updateSelection',
  'deleteSelection',
  'applySelectionChanges',
  'getCatalogue',
  'verifyMirror',
  'cancelRequest',
  'listBootResources',
  'getBootResource',
  'deleteBootResource',
  'startImport',
  'runImport',
  'stopImport',
  'getImportStatus',
  'restartImport',
  'getSettings',
  'updateSettings',
  'openExternal',
  'pickKeyringFile',
  'pickDirectory',
  'listDrives',
  'listStagingChoices',
  'planStaging',
  'startStaging',
  'runStaging',
  'stopStaging',
  'getStagingStatus',
  'ejectDrive',
  'startServing',
  'stopServing',
  'getServingStatus'
] as const

export const eventNames = [
  'importProgress',
  'importFinished',
  'resourcesChanged',
  'sourcesChanged',
  'syncScheduleChanged',
  'stagingProgress',
  'stagingFinished',
  'servingStopped'
] as const

export const requestChannel = (name: string): string => `maas-images:request:${name}`
export const eventChannel = (name: string): string => `maas-images:event:${name}`
