/**
 * Staging onto a stick or disk: the drives, the chosen target, what staging needs against what is
 * free, the live progress (stagingProgress events) with Stop, the outcome, and "Verify stick".
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type {
  BootSource,
  Drive,
  StageProgress,
  StageResult,
  StagingPlan,
  VerifyReport
} from '@shared/types'
import { getBridge } from '../bridge'
import { errorMessage } from '../logic/error-message'

export const useStagingStore = defineStore('staging', () => {
  const sources = ref<BootSource[]>([])
  const sourceId = ref<number | null>(null)
  const drives = ref<Drive[]>([])
  const target = ref('')
  const plan = ref<StagingPlan | null>(null)
  const staging = ref(false)
  const progress = ref<StageProgress | null>(null)
  const result = ref<StageResult | null>(null)
  /** the message of a staging the user stopped: not an error, staging again resumes */
  const stopped = ref<string | null>(null)
  const verify = ref<VerifyReport | null>(null)
  const verifying = ref(false)
  const error = ref<string | null>(null)
  let unsubscribe: Array<() => void> = []

  async function load(): Promise<void> {
    const bridge = getBridge()
    try {
      const [list, found, status] = await Promise.all([
        bridge.listBootSources(),
        bridge.listDrives({}),
        bridge.getStagingStatus()
      ])
      sources.value = list
      sourceId.value ??= list[0]?.id ?? null
      drives.value = found
      staging.value = status.staging
      progress.value = status.progress
      result.value = status.last_result
      if (status.target && !target.value) target.value = status.target
      showOutcome(status.last_error)
    } catch (err) {
      error.value = errorMessage(err)
    }
    if (!unsubscribe.length) {
      unsubscribe = [
        bridge.on('stagingProgress', (p) => {
          staging.value = p.phase !== 'done'
          progress.value = p
        }),
        bridge.on('stagingFinished', (f) => {
          staging.value = false
          result.value = f.result
          showOutcome(f.error)
        })
      ]
    }
  }

  function showOutcome(e: { code: string; message: string } | null): void {
    stopped.value = e?.code === 'cancelled' ? e.message : null
    error.value = e && e.code !== 'cancelled' ? e.message : null
  }

  function dispose(): void {
    for (const u of unsubscribe) u()
    unsubscribe = []
  }

  function chooseDrive(d: Drive): void {
    target.value = d.mount
    plan.value = null
  }

  // The native folder dialog belongs to main (desktop app only); the chosen folder fills the target
  // field, which stays editable and is checked like a typed one.
  const picking = ref(false)
  const pickError = ref<string | null>(null)
  async function chooseFolder(): Promise<void> {
    picking.value = true
    pickError.value = null
    try {
      const { path } = await getBridge().pickDirectory()
      if (path) {
        target.value = path
        plan.value = null
      }
    } catch (err) {
      pickError.value = errorMessage(err)
    } finally {
      picking.value = false
    }
  }

  async function check(): Promise<void> {
    if (sourceId.value === null || !target.value) return
    error.value = null
    try {
      plan.value = await getBridge().planStaging({ boot_source_id: sourceId.value, target: target.value })
    } catch (err) {
      plan.value = null
      error.value = errorMessage(err)
    }
  }

  async function start(): Promise<void> {
    if (sourceId.value === null || !target.value) return
    error.value = null
    stopped.value = null
    result.value = null
    verify.value = null
    try {
      const r = await getBridge().startStaging({ boot_source_id: sourceId.value, target: target.value })
      if (!r.started) error.value = r.message
      else staging.value = true
    } catch (err) {
      error.value = errorMessage(err)
    }
  }

  async function stop(): Promise<void> {
    await getBridge().stopStaging()
  }

  async function verifyStick(): Promise<void> {
    const source = sources.value.find((s) => s.id === sourceId.value)
    if (!source || !target.value) return
    verifying.value = true
    error.value = null
    try {
      verify.value = await getBridge().verifyMirror({
        location: target.value,
        keyring_filename: source.keyring_filename || undefined,
        keyring_data: source.keyring_data || undefined,
        deep: true
      })
    } catch (err) {
      error.value = errorMessage(err)
    } finally {
      verifying.value = false
    }
  }

  return {
    sources,
    sourceId,
    drives,
    target,
    plan,
    staging,
    progress,
    result,
    stopped,
    verify,
    verifying,
    error,
    picking,
    pickError,
    load,
    dispose,
    chooseDrive,
    chooseFolder,
    check,
    start,
    stop,
    verifyStick
  }
})
