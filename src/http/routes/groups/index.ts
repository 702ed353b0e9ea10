export { registerGroupRoutes } from './group-routes'
