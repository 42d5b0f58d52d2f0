/**
 * Staging onto a stick or disk, in the order imagers use: what to stage (the images, all ticked), where (the
 * drives, refreshed by themselves while the screen is open, or a folder), then Stage with live progress and
 * Stop, the outcome with Eject, and "Verify stick". Each step keeps its own error, shown in its own card.
 * The boot sources are the sources store's (one store per entity), so a source added, changed or deleted
 * elsewhere (sourcesChanged) shows here too.
 */
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import type {
  Drive,
  StageProgress,
  StageResult,
  StagingChoice,
  StagingPlan,
  VerifyReport
} from '@shared/types'
import { getBridge } from '../bridge'
import { formatPercent } from '../logic/format'
import { choiceKey, stepError, type StepError } from '../logic/staging-screen'
import { followMainEvents } from './main-events'
import { useSourcesStore } from './sources'

/** How often the drive list is read again while the screen is open: a stick plugged in or pulled shows. */
export const DRIVE_POLL_MS = 2000

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

  // 1. What to stage.
  const choices = ref<StagingChoice[]>([])
  const chosen = ref<Set<string>>(new Set())
  const choicesError = ref<StepError | null>(null)
  const chosenList = computed(() => choices.value.filter((c) => chosen.value.has(choiceKey(c))))
  const chosenBytes = computed(() => chosenList.value.reduce((n, c) => n + c.bytes, 0))

  // 2. Where.
  const drives = ref<Drive[]>([])
  const showSystem = ref(false)
  const drivesError = ref<StepError | null>(null)
  const target = ref('')
  const plan = ref<StagingPlan | null>(null)
  const checkError = ref<StepError | null>(null)
  const checking = ref(false)

  // 3. Stage, and how it ended.
  const staging = ref(false)
  const progress = ref<StageProgress | null>(null)
  const result = ref<StageResult | null>(null)
  /** the message of a staging the user stopped: not an error, staging again resumes */
  const stopped = ref<string | null>(null)
  const stageError = ref<StepError | null>(null)
  const ejecting = ref(false)
  const ejected = ref<string | null>(null)
  /** the mount point last ejected: gone until the admin chooses a target again, even the same one */
  const ejectedMount = ref<string | null>(null)
  const ejectError = ref<StepError | null>(null)

  // 4. Verify.
  const verify = ref<VerifyReport | null>(null)
  const verifying = ref(false)
  const verifyError = ref<StepError | null>(null)

  /** the drive the target is, when it is one listed (Eject needs one) */
  const targetDrive = computed(() => drives.value.find((d) => d.mount === target.value) ?? null)
  /** the target is the stick just ejected: nothing to verify or serve there until it is chosen again */
  const targetEjected = computed(() => ejectedMount.value !== null && ejectedMount.value === target.value)
  /** the plan's shortfall, computed once in main: 0 when it fits or the file system reports no free space */
  const shortBy = computed(() => plan.value?.short_by ?? 0)
  const short = computed(() => shortBy.value > 0)
  const canStage = computed(
    () =>
      !!plan.value &&
      !staging.value &&
      !checking.value &&
      !short.value &&
      plan.value.too_big.length === 0 &&
      chosenList.value.length > 0
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
  /** every image ticked: the request names none, so staging takes them all */
  const imagesArg = computed(() =>
    chosenList.value.length === choices.value.length
      ? {}
      : { images: chosenList.value.map(({ os, release, arch }) => ({ os, release, arch })) }
  )

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
        // What is on the stick changed: the figures of the plan are the next staging's.
        if (f.ok) void check()
      }
    },
    (message) => {
      stageError.value = { title: 'Staging progress cannot be followed', message }
    }
  )

  async function load(): Promise<void> {
    events.listen()
    sourcesStore.listen()
    const bridge = getBridge()
    try {
      const [status] = await Promise.all([bridge.getStagingStatus(), sourcesStore.load()])
      staging.value = status.staging
      progress.value = status.progress
      result.value = status.last_result
      if (status.target && !target.value) target.value = status.target
      showOutcome(status.last_error)
      // The sources store keeps its own error for its own screens; staging needs a source, so say it here.
      if (sourcesStore.error)
        choicesError.value = { title: 'The boot sources could not be read', message: sourcesStore.error }
    } catch (err) {
      stageError.value = stepError('Staging status could not be read', err)
    }
    await Promise.all([refreshDrives(), loadChoices()])
  }

  function showOutcome(e: { code: string; message: string; detail?: string } | null): void {
    stopped.value = e?.code === 'cancelled' ? e.message : null
    stageError.value = e && e.code !== 'cancelled' ? stepError('Staging failed', e) : null
  }

  async function loadChoices(): Promise<void> {
    if (sourceId.value === null) return
    choicesError.value = null
    try {
      const list = await getBridge().listStagingChoices({ boot_source_id: sourceId.value })
      const before = new Set(choices.value.map(choiceKey))
      // Ticked by default; an admin's unticks stay as long as the image is still there.
      chosen.value = new Set(list.map(choiceKey).filter((k) => chosen.value.has(k) || !before.has(k)))
      choices.value = list
    } catch (err) {
      choices.value = []
      choicesError.value = stepError('The images to stage could not be read', err)
    }
  }
  watch(sourceId, (id, was) => {
    if (was === undefined || id === was) return
    choices.value = []
    chosen.value = new Set()
    plan.value = null
    void loadChoices()
  })

  function toggleChoice(c: StagingChoice, on: boolean): void {
    const next = new Set(chosen.value)
    if (on) next.add(choiceKey(c))
    else next.delete(choiceKey(c))
    chosen.value = next
    plan.value = null
  }

  function chooseAll(on: boolean): void {
    chosen.value = new Set(on ? choices.value.map(choiceKey) : [])
    plan.value = null
  }

  async function refreshDrives(): Promise<void> {
    try {
      drives.value = await getBridge().listDrives({ all: showSystem.value })
      drivesError.value = null
    } catch (err) {
      drivesError.value = stepError('The drives could not be listed', err)
    }
  }
  watch(showSystem, () => void refreshDrives())

  // The drive list follows sticks plugged in and pulled while the screen is open.
  let timer: ReturnType<typeof setInterval> | null = null
  function watchDrives(): void {
    if (timer === null) timer = setInterval(() => void refreshDrives(), DRIVE_POLL_MS)
  }

  /** The screen closed: its live progress and the drive polling are not needed until it opens again. */
  function dispose(): void {
    events.stop()
    if (timer !== null) clearInterval(timer)
    timer = null
  }

  /** Forgets how the last staging ended and what followed it (verify, eject): a new one is starting. */
  function clearOutcome(): void {
    result.value = null
    stopped.value = null
    stageError.value = null
    verify.value = null
    ejected.value = null
    ejectError.value = null
  }

  function setTarget(path: string): void {
    // Choosing a target, even the ejected stick plugged in again, is the admin saying it is there.
    ejectedMount.value = null
    if (path === target.value) return
    target.value = path
    plan.value = null
    checkError.value = null
    verifyError.value = null
    clearOutcome()
  }

  /** A drive from the list: chosen and checked at once, as imagers show "Too small" on the drive. */
  async function chooseDrive(d: Drive): Promise<void> {
    setTarget(d.mount)
    await check()
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
      if (path) setTarget(path)
    } catch (err) {
      pickError.value = stepError('', err).message
    } finally {
      picking.value = false
    }
  }

  async function check(): Promise<void> {
    if (sourceId.value === null || !target.value || chosenList.value.length === 0) return
    checkError.value = null
    checking.value = true
    try {
      plan.value = await getBridge().planStaging({
        boot_source_id: sourceId.value,
        target: target.value,
        ...imagesArg.value
      })
    } catch (err) {
      plan.value = null
      checkError.value = stepError(`Checking ${target.value} failed`, err)
    } finally {
      checking.value = false
    }
  }

  async function start(): Promise<void> {
    if (sourceId.value === null || !target.value) return
    clearOutcome()
    try {
      const r = await getBridge().startStaging({
        boot_source_id: sourceId.value,
        target: target.value,
        ...imagesArg.value
      })
      if (!r.started) stageError.value = stepError('Staging did not start', r.message)
      else staging.value = true
    } catch (err) {
      stageError.value = stepError('Staging did not start', err)
    }
  }

  async function stop(): Promise<void> {
    await getBridge().stopStaging()
  }

  async function eject(): Promise<void> {
    const d = targetDrive.value
    if (!d) return
    ejecting.value = true
    ejectError.value = null
    try {
      ejected.value = (await getBridge().ejectDrive({ mount: d.mount })).message
      ejectedMount.value = d.mount
      // The plan was the stick's space: with the stick gone, there is nothing to stage onto.
      plan.value = null
      await refreshDrives()
    } catch (err) {
      ejectError.value = stepError(`Ejecting ${d.mount} failed`, err)
    } finally {
      ejecting.value = false
    }
  }

  async function verifyStick(): Promise<void> {
    const source = sources.value.find((s) => s.id === sourceId.value)
    if (!source || !target.value || targetEjected.value) return
    verifying.value = true
    verifyError.value = null
    ejected.value = null
    try {
      verify.value = await getBridge().verifyMirror({
        location: target.value,
        keyring_filename: source.keyring_filename || undefined,
        keyring_data: source.keyring_data || undefined,
        deep: true
      })
    } catch (err) {
      verifyError.value = stepError(`Verifying ${target.value} failed`, err)
    } finally {
      verifying.value = false
    }
  }

  return {
    sources,
    sourceId,
    choices,
    chosen,
    chosenList,
    chosenBytes,
    choicesError,
    drives,
    showSystem,
    drivesError,
    target,
    targetDrive,
    targetEjected,
    plan,
    checking,
    checkError,
    staging,
    progress,
    result,
    stopped,
    stageError,
    ejecting,
    ejected,
    ejectError,
    verify,
    verifying,
    verifyError,
    short,
    shortBy,
    canStage,
    percent,
    planImages,
    verifiedFiles,
    picking,
    pickError,
    load,
    loadChoices,
    toggleChoice,
    chooseAll,
    refreshDrives,
    watchDrives,
    dispose,
    setTarget,
    chooseDrive,
    chooseFolder,
    check,
    start,
    stop,
    eject,
    verifyStick
  }
})
