/** The scripted model of most e2e tests: run `command` with `execute_bash`, then `finish`. */
export function runThenFinish(command: string, finishMessage = 'Done.') {
  return [
    {
      text: 'I will run the command.',
      toolCalls: [{ name: 'execute_bash', arguments: { command, security_risk: 'LOW' } }],
    },
    { toolCalls: [{ name: 'finish', arguments: { message: finishMessage } }] },
  ];
}
