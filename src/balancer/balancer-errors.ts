import { EXIT, StatebenchError } from '../errors.js';

/** HAProxy is not installed (or not the binary asked for): refused before anything starts. */
export class BalancerUnavailableError extends StatebenchError {
  constructor(binary: string) {
    super(
      `${binary} is not on the PATH: install HAProxy (apt-get install haproxy), or leave balancer at its default (router)`,
      'STATEBENCH_BALANCER_UNAVAILABLE',
      EXIT.invalidInput,
    );
  }
}

/** The balancer process did not start, or did not answer in time after a restart. */
export class BalancerStartError extends StatebenchError {
  constructor(message: string) {
    super(message, 'STATEBENCH_BALANCER_START', EXIT.runFailed);
  }
}

/** A runtime API command was refused (unknown server, wrong state…) or the socket did not answer. */
export class BalancerCommandError extends StatebenchError {
  constructor(
    readonly command: string,
    readonly reply: string,
  ) {
    super(`haproxy runtime API: \`${command}\` failed: ${reply.trim() || 'no answer'}`, 'STATEBENCH_BALANCER_COMMAND', EXIT.runFailed);
  }
}
