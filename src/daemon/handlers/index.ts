import type { HandlerTable } from '../context.js'
import * as approval from './approval.js'
import * as audit from './audit.js'
import * as backup from './backup.js'
import * as balance from './balance.js'
import * as devnet from './devnet.js'
import * as doctor from './doctor.js'
import * as incoming from './incoming.js'
import * as network from './network.js'
import * as notify from './notify.js'
import * as plugin from './plugin.js'
import * as policy from './policy.js'
import * as requests from './requests.js'
import * as session from './session.js'
import * as tx from './tx.js'
import * as system from './system.js'
import * as vault from './vault.js'
import * as wallet from './wallet.js'

/** One implementation per contract method; the type makes a missing or extra entry a compile error. */
export const handlers: HandlerTable = {
  'system.hello': system.hello,
  'system.status': system.status,
  'system.shutdown': system.shutdown,
  'system.doctor': doctor.doctor,
  'vault.init': vault.init,
  'vault.unlock': vault.unlock,
  'vault.lock': vault.lock,
  'vault.changePassword': vault.changePassword,
  'wallet.create': wallet.create,
  'wallet.import': wallet.importWallet,
  'wallet.export': wallet.exportWallet,
  'wallet.list': wallet.list,
  'wallet.show': wallet.show,
  'wallet.rename': wallet.rename,
  'wallet.delete': wallet.remove,
  'balance.get': balance.get,
  'tx.simulate': tx.simulate,
  'tx.send': requests.send,
  'tx.call': requests.call,
  'tx.tokenApprove': requests.tokenApprove,
  'sign.message': requests.signMessage,
  'sign.typedData': requests.signTypedData,
  'sign.tx': requests.signTx,
  'tx.list': requests.list,
  'tx.show': requests.show,
  'tx.wait': requests.wait,
  'tx.approve': requests.approve,
  'tx.reject': requests.reject,
  'tx.approvalMessage': requests.approvalMessage,
  'tx.ownerDecide': requests.ownerDecide,
  'tx.approvalLink': approval.approvalLink,
  'tx.cancel': requests.cancel,
  'tx.speedUp': requests.speedUp,
  'policy.add': policy.add,
  'policy.list': policy.list,
  'policy.show': policy.show,
  'policy.update': policy.update,
  'policy.remove': policy.remove,
  'policy.test': policy.test,
  'killswitch.on': requests.killSwitchOn,
  'killswitch.off': requests.killSwitchOff,
  'killswitch.status': requests.killSwitchStatus,
  'wallet.setOwner': wallet.setOwner,
  'network.list': network.list,
  'network.set': network.set,
  'devnet.start': devnet.start,
  'devnet.stop': devnet.stop,
  'devnet.status': devnet.status,
  'devnet.fund': devnet.fund,
  'audit.list': audit.list,
  'audit.verify': audit.verify,
  'session.create': session.create,
  'session.list': session.list,
  'session.revoke': session.revoke,
  'session.renew': session.renew,
  'session.whoami': session.whoami,
  'plugin.list': plugin.list,
  'plugin.enable': plugin.enable,
  'plugin.disable': plugin.disable,
  'notify.add': notify.add,
  'notify.list': notify.list,
  'notify.remove': notify.remove,
  'notify.test': notify.test,
  'notify.deliveries': notify.deliveries,
  'incoming.list': incoming.list,
  'incoming.status': incoming.status,
  'incoming.watch': incoming.watch,
  'incoming.unwatch': incoming.unwatch,
  'incoming.setLowBalance': incoming.setLowBalance,
  'backup.create': backup.create,
}
