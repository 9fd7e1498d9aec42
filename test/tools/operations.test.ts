import { operationTools } from '../../src/tools/operations.js';
import { describeToolsnaps } from '../helpers/toolsnaps.js';

/**
 * The operation tools: their schemas (toolsnaps). Handles, progress and cancellation:
 * test/integration/operations.test.ts.
 */

describeToolsnaps(operationTools);
