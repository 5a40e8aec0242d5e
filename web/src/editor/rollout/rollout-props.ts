/** A line for the editor's message area (the top bar shows it as it shows save and publish outcomes). */
export interface RolloutMessage {
  tone: 'info' | 'success' | 'error';
  text: string;
}
