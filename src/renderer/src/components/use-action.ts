/**
 * The busy flag and error message every form action shares: `run` clears the last error, marks
 * the component busy, and turns a rejection into a message for an ErrorNotice. Returns whether
 * the action succeeded.
 */
import { ref } from 'vue'
import { errorMessage } from './format'

export function useAction() {
  const busy = ref(false)
  const error = ref<string | null>(null)

  async function run(action: () => Promise<void>, always?: () => void): Promise<boolean> {
    busy.value = true
    error.value = null
    try {
      await action()
      return true
    } catch (err) {
      error.value = errorMessage(err)
      return false
    } finally {
      always?.()
      busy.value = false
    }
  }

  return { busy, error, run }
}
