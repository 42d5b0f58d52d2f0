/**
 * Staging onto a stick or disk: the drives, the chosen target, what staging needs against what is
 * free, the live progress (stagingProgress events) with Stop, the outcome, and "Verify stick".
 * The boot sources are the sources store's (one store per entity), so a source added, changed or
 * deleted elsewhere (sourcesChanged) shows here too.
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type { Drive, StageProgress, StageResult, StagingPlan, VerifyReport } from '@shared/types'
import { getBridge } from '../bridge'
import { errorMessage } from '../logic/error-message'
import { formatPercent } from '../logic/format'
import { followMainEvents } from './main-events'
import { useSourcesStore } from './sources'

export const useStagingStore = defineStore('staging', () => {
  const sourcesStore = useSourcesStore()
  const sources = computed(() => sourcesStore.sources)
  const sourceId = ref<number | null>(null)
  // The chosen source was deleted (here or elsewhere), or none was chosen yet: take the first.
  watch(
    sources,
    (list) => {
      if (!list.some((s) => s.id === sourceId.value)) sourceId.value = list[0]?.id ?? null
    },
    { immediate: true }
  )
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

  /** the plan says the target is too small (a file system that reports no free space is never short) */
  const short = computed(
    () => !!plan.value && plan.value.free !== null && plan.value.free < plan.value.needed
  )
  const canStage = computed(
    () => !!plan.value && !staging.value && !short.value && plan.value.too_big.length === 0
  )
  const percent = computed(() =>
    progress.value ? formatPercent(progress.value.bytes_done, progress.value.bytes_total) : 0
  )
  /** the plan's images, OS images first, bootloaders after */
  const planImages = computed(() => ({
    os: plan.value?.images.filter((i) => !i.bootloader) ?? [],
    bootloaders: plan.value?.images.filter((i) => i.bootloader) ?? []
  }))
  const verifiedFiles = computed(() => (verify.value?.items ?? []).filter((i) => i.ok).length)

  const events = followMainEvents(
    {
      stagingProgress: (p) => {
        staging.value = p.phase !== 'done'
        progress.value = p
      },
      stagingFinished: (f) => {
        staging.value = false
        result.value = f.result
        showOutcome(f.error)
      }
    },
    (message) => {
      error.value = message
    }
  )

  async function load(): Promise<void> {
    events.listen()
    sourcesStore.listen()
    const bridge = getBridge()
    try {
      const [found, status] = await Promise.all([
        bridge.listDrives({}),
        bridge.getStagingStatus(),
        sourcesStore.load()
      ])
      drives.value = found
      staging.value = status.staging
      progress.value = status.progress
      result.value = status.last_result
      if (status.target && !target.value) target.value = status.target
      showOutcome(status.last_error)
      // The sources store keeps its own error for its own screens; staging needs a source, so say it here.
      if (sourcesStore.error) error.value = sourcesStore.error
    } catch (err) {
      error.value = errorMessage(err)
    }
  }

  function showOutcome(e: { code: string; message: string } | null): void {
    stopped.value = e?.code === 'cancelled' ? e.message : null
    error.value = e && e.code !== 'cancelled' ? e.message : null
  }

  /** The screen closed: its live progress is not needed until it opens again. */
  function dispose(): void {
    events.stop()
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
    short,
    canStage,
    percent,
    planImages,
    verifiedFiles,
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
