// The README's setup block is this whole file (between the region markers), checked by test/readme.test.ts.
// #region readme
import { createSyncEngine } from '@edusync/core'
import { createBulkSyncHandler } from '@edusync/core/handlers'
import { bearerAuth, sharedSecretAuth } from '@edusync/core/webhooks'
import { createZohoWebhookHandler, defaultFieldMap, withFieldMap } from '@edusync/zoho'
import { store, tenants, zohoClients } from './your-app.ts'

const engine = createSyncEngine({ store })
const fieldMap = withFieldMap(defaultFieldMap, { defaultCurrency: 'USD' }) // Zoho sends amounts bare
const knownTenant = (t: string) => Object.hasOwn(tenants, t)
export const zohoWebhook = createZohoWebhookHandler({
  engine, store, knownTenant,
  authenticate: sharedSecretAuth({ secret: (t) => tenants[t]?.zohoSecret, header: 'x-edusync-secret' }),
  clientFor: (t) => zohoClients.get(t), // fetches id-only bodies
  fieldMapFor: () => fieldMap,
})
export const bulkSync = createBulkSyncHandler({ engine, store, knownTenant, authenticate: bearerAuth({ token: (t) => tenants[t]?.apiToken }) })
// #endregion
