import { describeProcessRepositoryContract } from '../support/processRepositoryContract';
import { identityDatabase } from '../support/services/identityDatabase';

describeProcessRepositoryContract('PostgreSQL', identityDatabase('identity_processs'));
